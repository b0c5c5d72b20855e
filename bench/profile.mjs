// The realistic ~350-byte profile every Node benchmark stores (core/benches/common has the Rust
// one, bench/bindings.py the Python one): email and phone (indexed), a nested address, a
// birthdate, preferences and a note. Distinct emails and phones for distinct `i`.
export const profile = (i) => ({
  email: `user${i}@example.org`,
  phone: `+49 151 ${10_000_000 + (i * 48_271 + 12_345) % 90_000_000}`,
  name: `Person Number ${i}`,
  address: { street: `${i % 997} Long Example Street`, city: 'Berlin', zip: String(i % 99_999).padStart(5, '0'), country: 'DE' },
  birthdate: '1987-06-05',
  preferences: { newsletter: i % 2 === 0, language: 'de', theme: 'dark' },
  note: 'customer since 2019, prefers contact by email, VIP tier'
})
