//! Luhn-valid card numbers for the tests and benches (shared by both through `#[path]`).

/// `prefix`, then digits from `next` (each 0-9) up to `len - 1` digits, then the Luhn check
/// digit.
pub fn complete(prefix: &str, len: usize, mut next: impl FnMut() -> u32) -> String {
    let mut digits: Vec<u32> = prefix.chars().map(|c| c.to_digit(10).expect("a digit")).collect();
    while digits.len() < len - 1 {
        digits.push(next() % 10);
    }
    let sum: u32 =
        digits.iter().rev().enumerate().map(|(k, d)| if k % 2 == 0 { (d * 2) / 10 + (d * 2) % 10 } else { *d }).sum();
    digits.push((10 - sum % 10) % 10);
    digits.iter().map(|d| char::from_digit(*d, 10).expect("a digit")).collect()
}

/// A 16-digit Visa-shaped number, distinct per `i` (for benches that need many).
pub fn card(i: u64) -> String {
    let body = format!("{:014}", i.wrapping_mul(2_654_435_761) % 100_000_000_000_000);
    let mut body = body.chars().map(|c| c.to_digit(10).expect("a digit"));
    complete("4", 16, move || body.next().unwrap_or(0))
}
