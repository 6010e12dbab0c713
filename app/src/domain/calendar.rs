//! Calendar dates and Paris local time, without a time-zone database.
//!
//! Publication windows are set in days and must open and close at midnight in France. France
//! follows the EU rule: summer time (UTC+2) from the last Sunday of March, 01:00 UTC, to the last
//! Sunday of October, 01:00 UTC; UTC+1 otherwise. That rule is all the platform needs.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// French month names, January first.
pub const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        ((1900..=2200).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month))
        .then_some(Date { year, month, day })
    }

    /// Reads `AAAA-MM-JJ` (what a date input sends) or `JJ/MM/AAAA` (what people type).
    pub fn parse(raw: &str) -> Option<Date> {
        let raw = raw.trim();
        let parts: Vec<&str> = if raw.contains('/') {
            let mut p: Vec<&str> = raw.split('/').collect();
            p.reverse();
            p
        } else {
            raw.split('-').collect()
        };
        let [y, m, d] = parts.as_slice() else {
            return None;
        };
        if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
            return None;
        }
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if !(all_digits(y) && all_digits(m) && all_digits(d)) {
            return None;
        }
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// Days since 1970-01-01 (proleptic Gregorian; H. Hinnant's civil-from-days algorithm).
    pub fn days_since_epoch(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    pub fn next_day(self) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch() + 1)
    }

    pub fn add_days(self, days: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch() + days)
    }

    /// The same day `months` earlier, or the month's last day when it is shorter (31 March less
    /// one month is 28 or 29 February).
    pub fn minus_months(self, months: u32) -> Date {
        let index = i64::from(self.year) * 12 + i64::from(self.month) - 1 - i64::from(months);
        let year = i32::try_from(index.div_euclid(12)).unwrap_or(i32::MIN);
        let month = (index.rem_euclid(12) + 1) as u32;
        Date {
            year,
            month,
            day: self.day.min(days_in_month(year, month)),
        }
    }

    /// 0 = Monday … 6 = Sunday.
    fn weekday(self) -> i64 {
        (self.days_since_epoch() + 3).rem_euclid(7)
    }

    fn last_sunday(year: i32, month: u32) -> Date {
        let last = Date {
            year,
            month,
            day: days_in_month(year, month),
        };
        last.add_days(-((last.weekday() + 1) % 7))
    }

    /// `AAAA-MM-JJ`, the value of a date input.
    /// The same day `years` later; 29 February becomes 28 February in a common year.
    pub fn plus_years(self, years: i32) -> Date {
        let year = self.year + years;
        Date {
            year,
            month: self.month,
            day: self.day.min(days_in_month(year, self.month)),
        }
    }

    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// "2 décembre 2026".
    pub fn french(self) -> String {
        let day = if self.day == 1 {
            "1er".to_string()
        } else {
            self.day.to_string()
        };
        format!("{day} {} {}", MONTHS[(self.month - 1) as usize], self.year)
    }
}

/// Start and end (exclusive) of summer time in `year`, as Unix seconds.
fn summer_time(year: i32) -> (i64, i64) {
    let start = Date::last_sunday(year, 3).days_since_epoch() * 86_400 + 3_600;
    let end = Date::last_sunday(year, 10).days_since_epoch() * 86_400 + 3_600;
    (start, end)
}

/// Offset of Paris from UTC at the instant `unix`, in seconds.
pub fn paris_offset(unix: i64) -> i64 {
    let year = Date::from_days_since_epoch(unix.div_euclid(86_400)).year;
    let (start, end) = summer_time(year);
    if (start..end).contains(&unix) {
        7_200
    } else {
        3_600
    }
}

/// The instant midnight begins `date` in Paris.
pub fn paris_midnight(date: Date) -> i64 {
    let utc_midnight = date.days_since_epoch() * 86_400;
    // The offset one hour before UTC midnight is the one in force at local midnight.
    utc_midnight - paris_offset(utc_midnight - 3_600)
}

/// "23 novembre 2026 à 14:05", in France's time.
pub fn paris_moment(unix: i64) -> String {
    let minutes = (unix + paris_offset(unix)).rem_euclid(86_400) / 60;
    format!(
        "{} à {:02}:{:02}",
        paris_date(unix).french(),
        minutes / 60,
        minutes % 60
    )
}

/// The calendar day in Paris at the instant `unix`.
pub fn paris_date(unix: i64) -> Date {
    Date::from_days_since_epoch((unix + paris_offset(unix)).div_euclid(86_400))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_back_keep_the_day_or_the_last_of_a_shorter_month() {
        let d = |y, m, day| Date::new(y, m, day).unwrap();
        assert_eq!(d(2026, 12, 4).minus_months(12), d(2025, 12, 4));
        assert_eq!(d(2026, 3, 31).minus_months(1), d(2026, 2, 28));
        assert_eq!(d(2028, 3, 31).minus_months(1), d(2028, 2, 29));
        assert_eq!(d(2026, 1, 15).minus_months(2), d(2025, 11, 15));
        assert_eq!(d(2026, 1, 15).minus_months(0), d(2026, 1, 15));
    }

    #[test]
    fn days_round_trip_and_match_known_instants() {
        let date = Date::new(2026, 11, 24).unwrap();
        assert_eq!(date.days_since_epoch() * 86_400, 1_795_478_400);
        for days in [-1, 0, 59, 10_000, 20_780, 25_000] {
            assert_eq!(Date::from_days_since_epoch(days).days_since_epoch(), days);
        }
        assert_eq!(
            Date::new(2028, 2, 28).unwrap().next_day(),
            Date::new(2028, 2, 29).unwrap()
        );
    }

    #[test]
    fn paris_switches_to_summer_time_on_the_last_sundays_of_march_and_october() {
        // 2026: 29 March and 25 October.
        assert_eq!(Date::last_sunday(2026, 3), Date::new(2026, 3, 29).unwrap());
        assert_eq!(
            Date::last_sunday(2026, 10),
            Date::new(2026, 10, 25).unwrap()
        );
        let winter = paris_midnight(Date::new(2026, 1, 15).unwrap());
        assert_eq!(winter % 86_400, 23 * 3_600);
        let summer = paris_midnight(Date::new(2026, 7, 14).unwrap());
        assert_eq!(summer % 86_400, 22 * 3_600);
        // Local midnight of the switch days is still on the old offset.
        assert_eq!(
            paris_midnight(Date::new(2026, 3, 29).unwrap()) % 86_400,
            23 * 3_600
        );
        assert_eq!(
            paris_midnight(Date::new(2026, 10, 25).unwrap()) % 86_400,
            22 * 3_600
        );
        assert_eq!(paris_date(summer), Date::new(2026, 7, 14).unwrap());
        assert_eq!(paris_date(summer - 1), Date::new(2026, 7, 13).unwrap());
    }

    #[test]
    fn dates_are_read_in_both_usual_forms_and_printed_in_french() {
        assert_eq!(Date::parse("2026-12-01"), Date::new(2026, 12, 1));
        assert_eq!(Date::parse("01/12/2026"), Date::new(2026, 12, 1));
        assert_eq!(Date::parse("2026-02-30"), None);
        assert_eq!(Date::parse("1er décembre"), None);
        assert_eq!(
            Date::new(2026, 12, 1).unwrap().french(),
            "1er décembre 2026"
        );
        assert_eq!(Date::new(2026, 8, 15).unwrap().iso(), "2026-08-15");
    }
}
