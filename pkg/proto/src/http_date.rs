//! RFC 9110 §5.6.7 `IMF-fixdate`, the form of the `Date` header an origin server sends
//! (§6.6.1: a server with a clock MUST send it). The PWA reads it to learn the edge's clock,
//! so a phone whose own clock is off still counts down to the real expiry.

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `unix_seconds` as `IMF-fixdate`, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn imf_fixdate(unix_seconds: u64) -> String {
    let days = unix_seconds / 86_400;
    let secs = unix_seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    // 1970-01-01 was a Thursday.
    let weekday = usize::try_from(days % 7)
        .ok()
        .and_then(|i| DAYS.get(i))
        .unwrap_or(&"Thu");
    let month = MONTHS.get(usize::from(month) - 1).unwrap_or(&"Jan");
    format!(
        "{weekday}, {day:02} {month} {year:04} {:02}:{:02}:{:02} GMT",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Year, month (1–12) and day (1–31) of the day `days` after 1970-01-01, in the proleptic
/// Gregorian calendar (H. Hinnant's `civil_from_days`, for days on or after the epoch).
fn civil_from_days(days: u64) -> (u64, u8, u8) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    // day ≤ 31 and month ≤ 12 by construction.
    #[allow(clippy::cast_possible_truncation)]
    (year, month as u8, day as u8)
}

#[cfg(test)]
mod tests {
    use super::imf_fixdate;

    #[test]
    fn rfc_9110_example_and_calendar_edges() {
        // RFC 9110 §5.6.7's own example.
        assert_eq!(imf_fixdate(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(imf_fixdate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(imf_fixdate(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
        assert_eq!(imf_fixdate(951_868_799), "Tue, 29 Feb 2000 23:59:59 GMT");
        assert_eq!(imf_fixdate(1_709_251_199), "Thu, 29 Feb 2024 23:59:59 GMT");
        assert_eq!(imf_fixdate(4_107_542_400), "Mon, 01 Mar 2100 00:00:00 GMT");
        assert_eq!(imf_fixdate(1_798_761_599), "Thu, 31 Dec 2026 23:59:59 GMT");
    }

    #[test]
    fn agrees_with_a_day_by_day_count() {
        // Walk 200 years a day at a time with plain month lengths: an independent oracle.
        let leap =
            |y: u64| (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
        let (mut y, mut m, mut d) = (1970u64, 1usize, 1u64);
        for days in 0..73_049u64 {
            let text = imf_fixdate(days * 86_400 + 86_399);
            let expected = format!("{d:02} {} {y:04} 23:59:59 GMT", super::MONTHS[m - 1]);
            assert!(text.ends_with(&expected), "{days}: {text} vs {expected}");
            let len = match m {
                2 if leap(y) => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            d += 1;
            if d > len {
                d = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
    }
}
