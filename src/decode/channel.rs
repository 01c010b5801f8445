//! Decoding the ways to submit (cách thức thực hiện): channel, processing time and fee,
//! in their long form or the shorthands staff write by hand.

use super::{Decoder, Part, describe};
use crate::decode::shorthand::{fee_from_text, time_from_text};
use crate::decode::yaml::{FieldPath, Mapping, Value};
use crate::model::record::{Amount, Channel, Currency, Fee, FeeKind, ProcessingTime, TimeUnit};
use crate::tr;

pub(super) fn channel(d: &mut Decoder, value: &Value, path: &FieldPath) -> Option<Channel> {
    let map = d.mapping(value, path, &["via", "time", "fee", "note", "case"])?;
    let via = d.keyword(map.get("via"), &path.key("via"));
    if map.get("via").is_none_or(Value::is_null) {
        d.error(
            &path.key("via"),
            Part::Key,
            tr!("the channel has no `via`", "cách nộp này thiếu `via`"),
            Some(tr!(
                "add `via: in_person`, `via: online` or `via: post`",
                "thêm `via: in_person` (trực tiếp), `via: online` (trực tuyến) hoặc `via: post` (bưu chính)"
            )),
        );
    }
    let time = map
        .get("time")
        .filter(|v| !v.is_null())
        .and_then(|v| processing_time(d, v, &path.key("time")));
    let fee = map
        .get("fee")
        .filter(|v| !v.is_null())
        .and_then(|v| fee(d, v, &path.key("fee")));
    Some(Channel {
        via: via?,
        time,
        fee,
        note: d.text(map.get("note"), &path.key("note")),
        case: d.text(map.get("case"), &path.key("case")),
    })
}

/// `time: "05 ngày làm việc"`, or `time: {text, value, unit}` with value and unit
/// read from the text when left out.
fn processing_time(d: &mut Decoder, value: &Value, path: &FieldPath) -> Option<ProcessingTime> {
    if !value.is_mapping() {
        return Some(time_from_text(
            d.text(Some(value), path).unwrap_or_default(),
        ));
    }
    let map = d.mapping(value, path, &["text", "value", "unit"])?;
    let text = text_allowing_empty(d, map, path)?;
    if !(map.contains_key("value") || map.contains_key("unit")) {
        return Some(time_from_text(text));
    }
    let explicit_value = match map.get("value") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) if n.as_f64().is_some_and(|v| v >= 0.0) => n.as_f64(),
        Some(other) => {
            d.error(
                &path.key("value"),
                Part::Value,
                tr!(
                    "expected a number of time units, found {}",
                    "cần một số đơn vị thời gian, nhưng gặp {}";
                    describe(other)
                ),
                None,
            );
            None
        }
    };
    let explicit_unit = d.keyword::<TimeUnit>(map.get("unit"), &path.key("unit"));
    Some(ProcessingTime {
        text,
        value: explicit_value,
        unit: explicit_unit.unwrap_or(TimeUnit::Unknown),
    })
}

/// `text:` must be present in the long form, but may be empty ("no information").
fn text_allowing_empty(d: &mut Decoder, map: &Mapping, path: &FieldPath) -> Option<String> {
    if !map.contains_key("text") {
        d.error(
            &path.key("text"),
            Part::Key,
            tr!("`{path}` has no `text`", "`{path}` thiếu `text`"),
            Some(tr!(
                "add `text:` with the wording as published; it is what readers see",
                "thêm `text:` với nội dung như đã công bố; người dân đọc đúng dòng này"
            )),
        );
        return None;
    }
    Some(
        d.text(map.get("text"), &path.key("text"))
            .unwrap_or_default(),
    )
}

/// `amount: 50000`, or with cents in a foreign currency: `amount: 1.5` (`currency: USD`).
fn amount(
    d: &mut Decoder,
    value: Option<&Value>,
    path: &FieldPath,
    currency: Option<Currency>,
) -> Option<Amount> {
    let amount = match value? {
        Value::Null => return None,
        Value::Number(n) => Amount::parse(&n.to_string()),
        _ => None,
    };
    let Some(amount) = amount else {
        let found = describe(value?);
        d.error(
            path,
            Part::Value,
            tr!(
                "expected an amount of money, found {}",
                "cần một số tiền, nhưng gặp {}";
                found
            ),
            Some(tr!(
                "write digits only, with at most two after a decimal point: `amount: 50000`, `amount: 1.5`",
                "chỉ viết chữ số, tối đa hai chữ số sau dấu thập phân: `amount: 50000`, `amount: 1.5`"
            )),
        );
        return None;
    };
    if amount.cents() != 0 && matches!(currency, None | Some(Currency::Vnd)) {
        d.error(
            path,
            Part::Value,
            tr!(
                "a fee in đồng has no fractions",
                "phí tính bằng đồng không có phần lẻ"
            ),
            Some(tr!(
                "write whole đồng, or add `currency: USD` if the fee is in dollars",
                "viết số đồng nguyên, hoặc thêm `currency: USD` nếu phí tính bằng đô la"
            )),
        );
        return None;
    }
    Some(amount)
}

/// `fee: "50.000 đồng"`, `fee: 0`, or `fee: {text, kind, amount, currency}`.
fn fee(d: &mut Decoder, value: &Value, path: &FieldPath) -> Option<Fee> {
    if let Value::Number(n) = value {
        let Some(amount) = n.as_u64() else {
            d.error(
                path,
                Part::Value,
                tr!(
                    "the fee {n} is not a whole number of đồng",
                    "phí {n} không phải số đồng nguyên"
                ),
                Some(tr!(
                    "write the amount in whole đồng, e.g. `fee: 50000`; a fee in another currency as text, e.g. `fee: \"1.5 USD\"`",
                    "viết số tiền bằng đồng, không có phần thập phân, ví dụ `fee: 50000`; phí bằng ngoại tệ thì viết thành chữ, ví dụ `fee: \"1.5 USD\"`"
                )),
            );
            return None;
        };
        let kind = if amount == 0 {
            FeeKind::Free
        } else {
            FeeKind::Fixed
        };
        return Some(Fee {
            text: n.to_string(),
            kind,
            amount: Amount::whole(amount),
            currency: Some(Currency::Vnd),
        });
    }
    if !value.is_mapping() {
        return Some(fee_from_text(d.text(Some(value), path).unwrap_or_default()));
    }
    let map = d.mapping(value, path, &["text", "kind", "amount", "currency"])?;
    let text = text_allowing_empty(d, map, path)?;
    let given = ["kind", "amount", "currency"]
        .iter()
        .any(|k| map.contains_key(*k));
    if !given {
        return Some(fee_from_text(text));
    }
    let kind = d.keyword(map.get("kind"), &path.key("kind"));
    let currency = d.keyword(map.get("currency"), &path.key("currency"));
    let amount = amount(d, map.get("amount"), &path.key("amount"), currency);
    let kind = kind.unwrap_or(if amount.is_some() {
        FeeKind::Fixed
    } else {
        FeeKind::SeeText
    });
    // An amount that was given but wrong is reported already, not again as missing.
    if matches!(kind, FeeKind::Fixed) && amount.is_none() && !map.contains_key("amount") {
        d.error(
            &path.key("kind"),
            Part::Value,
            tr!(
                "a fixed fee needs an `amount`",
                "phí cố định cần có `amount` (số tiền)"
            ),
            Some(tr!(
                "add `amount:` in whole đồng (or set `currency`), e.g. `amount: 50000`",
                "thêm `amount:` bằng đồng (hoặc ghi `currency`), ví dụ `amount: 50000`"
            )),
        );
    }
    Some(Fee {
        text,
        kind,
        amount,
        currency,
    })
}
