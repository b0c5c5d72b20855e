//! Legal deadlines: calendar months, calendar days and business days (Monday to Friday, in UTC;
//! public holidays differ per jurisdiction and are not counted) after a time, keeping its time of
//! day. Pure functions of milliseconds since the Unix epoch.

/// Milliseconds in a day.
pub(crate) const DAY_MS: i64 = 86_400_000;

/// Days since 1970-01-01 of the civil date `(y, m, d)` (proleptic Gregorian; H. Hinnant's
/// `days_from_civil`).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(y, m, d)` of a day number since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// Days in month `m` of year `y`.
pub(crate) fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// The same time `months` calendar months later: the same day of the month, or the month's last
/// day when it is shorter (31 January + 1 month = 28 or 29 February).
pub(crate) fn add_months(ms: i64, months: u32) -> i64 {
    let (day, time) = (ms.div_euclid(DAY_MS), ms.rem_euclid(DAY_MS));
    let (y, m, d) = civil_from_days(day);
    let index = y * 12 + i64::from(m - 1) + i64::from(months);
    let (y, m) = (index.div_euclid(12), (index.rem_euclid(12) + 1) as u32);
    days_from_civil(y, m, d.min(days_in_month(y, m))) * DAY_MS + time
}

/// The day of the week of a day number: 0 for Monday to 6 for Sunday (1970-01-01 was a Thursday).
pub(crate) fn weekday(day: i64) -> i64 {
    (day + 3).rem_euclid(7)
}

/// The same time on the `n`th business day after `ms`'s day (Monday to Friday, UTC): a request
/// received on a weekend is counted from the Friday before, so its first business day is the
/// Monday after.
pub(crate) fn add_business_days(ms: i64, n: u32) -> i64 {
    let (mut day, time) = (ms.div_euclid(DAY_MS), ms.rem_euclid(DAY_MS));
    let mut wd = weekday(day);
    if wd >= 5 {
        day -= wd - 4;
        wd = 4;
    }
    let (weeks, rest) = (i64::from(n / 5), i64::from(n % 5));
    day += weeks * 7 + rest;
    if wd + rest >= 5 {
        day += 2;
    }
    day * DAY_MS + time
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_known_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for z in [-800_000, -1, 0, 59, 11_016, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(weekday(days_from_civil(2026, 12, 7)), 0, "7 December 2026 is a Monday");
    }

    #[test]
    fn months_clamp_to_the_end_of_shorter_months() {
        let jan31 = days_from_civil(2024, 1, 31) * DAY_MS + 5;
        assert_eq!(add_months(jan31, 1), days_from_civil(2024, 2, 29) * DAY_MS + 5);
        assert_eq!(add_months(jan31, 3), days_from_civil(2024, 4, 30) * DAY_MS + 5);
        let dec15 = days_from_civil(2026, 12, 15) * DAY_MS;
        assert_eq!(add_months(dec15, 1), days_from_civil(2027, 1, 15) * DAY_MS);
    }

    #[test]
    fn business_days_skip_weekends() {
        let friday = days_from_civil(2026, 12, 25) * DAY_MS;
        assert_eq!(add_business_days(friday, 1), days_from_civil(2026, 12, 28) * DAY_MS);
        let saturday = days_from_civil(2026, 12, 26) * DAY_MS;
        assert_eq!(add_business_days(saturday, 1), days_from_civil(2026, 12, 28) * DAY_MS);
        assert_eq!(add_business_days(friday, 10), days_from_civil(2027, 1, 8) * DAY_MS);
    }
}
