//! Values that load but cannot be right: a fee of a million billion đồng, a time
//! of ninety-nine thousand days, a number of time with no unit. Warnings, with the
//! bound and why it was chosen, since a real record may one day pass it.

use super::{Decoder, Part};
use crate::decode::yaml::FieldPath;
use crate::model::record::{Amount, Channel, Currency, ProcessingTime, TimeUnit};
use crate::tr;

/// The largest fee among the national database's records is 150,000,000 đồng;
/// more than ten times that is far more likely a slip of the zero key.
const MAX_FEE_DONG: u64 = 1_500_000_000;
/// The largest fee in dollars is a few hundred; the same margin as for đồng.
const MAX_FEE_USD: u64 = 10_000;
/// The longest processing time in the national database is 250 working days, about
/// a year; more than two years is a typo or a number from another column.
const MAX_TIME_DAYS: f64 = 730.0;

pub fn check_channel(d: &mut Decoder, channel: &Channel, path: &FieldPath) {
    if let Some(fee) = &channel.fee
        && let Some(amount) = fee.amount
    {
        fee_bound(d, amount, fee.currency, &path.key("fee").key("amount"));
    }
    if let Some(time) = &channel.time {
        time_bounds(d, time, &path.key("time"));
    }
}

fn fee_bound(d: &mut Decoder, amount: Amount, currency: Option<Currency>, path: &FieldPath) {
    let (max, unit) = match currency {
        Some(Currency::Usd) => (MAX_FEE_USD, "USD"),
        None | Some(Currency::Vnd) => (MAX_FEE_DONG, "đồng"),
    };
    if amount.units() <= max {
        return;
    }
    let shown = amount.units();
    d.warning(
        path,
        Part::Value,
        tr!(
            "the fee of {shown} {unit} is more than {max} {unit}, above any fee in the national database",
            "phí {shown} {unit} lớn hơn {max} {unit}, cao hơn mọi khoản phí trong cơ sở dữ liệu quốc gia"
        ),
        Some(tr!(
            "check the number of zeros against the published record",
            "kiểm tra lại số chữ số 0 so với thủ tục đã công bố"
        )),
    );
}

fn time_bounds(d: &mut Decoder, time: &ProcessingTime, path: &FieldPath) {
    let Some(value) = time.value else { return };
    let days = match time.unit {
        TimeUnit::WorkingDays => value * 7.0 / 5.0,
        TimeUnit::Days => value,
        TimeUnit::Hours => value / 24.0,
        TimeUnit::Months => value * 30.0,
        // A value whose unit is not stated is its own warning, in the long form too.
        TimeUnit::Unknown => {
            d.warning(
                &path.key("unit"),
                Part::Value,
                tr!(
                    "the processing time gives `value: {value}` but no unit",
                    "thời hạn giải quyết có `value: {value}` nhưng không có đơn vị"
                ),
                Some(tr!(
                    "add `unit: working_days` (or days, hours, months)",
                    "thêm `unit: working_days` (hoặc days, hours, months)"
                )),
            );
            return;
        }
        TimeUnit::SameDay | TimeUnit::Unspecified | TimeUnit::Other => return,
    };
    if days > MAX_TIME_DAYS {
        let shown = &time.text;
        d.warning(
            &path.key("text"),
            Part::Value,
            tr!(
                "the processing time `{shown}` is more than two years; the longest in the national database is 250 working days",
                "thời hạn giải quyết `{shown}` dài hơn hai năm; thời hạn dài nhất trong cơ sở dữ liệu quốc gia là 250 ngày làm việc"
            ),
            Some(tr!(
                "check it against the published record",
                "đối chiếu với thủ tục đã công bố"
            )),
        );
    }
}
