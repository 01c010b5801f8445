//! Decoding `videos:` of records and offices: a title, an https address and an
//! optional length ("3:45", "1:02:03", "12 phút").

use super::yaml::{FieldPath, Value};
use super::{Decoder, Part};
use crate::model::video::Video;
use crate::text::fold;
use crate::tr;

const FIELDS: &[&str] = &["title", "url", "duration"];

/// A `videos:` list; `None` or an empty list gives no videos.
pub fn videos(d: &mut Decoder, value: Option<&Value>, path: &FieldPath) -> Vec<Video> {
    d.list(value, path, video)
}

fn video(d: &mut Decoder, value: &Value, path: &FieldPath) -> Option<Video> {
    let map = d.mapping(value, path, FIELDS)?;
    let title = d.required_text(map, path, "title");
    let url = match map.get("url") {
        None | Some(Value::Null) => {
            d.error(
                &path.key("url"),
                Part::Key,
                tr!("the video has no `url`", "video thiếu `url` (địa chỉ)"),
                Some(tr!(
                    "add `url: \"https://…\"`, where the video is published",
                    "thêm `url: \"https://…\"`, nơi đăng video"
                )),
            );
            None
        }
        url => d.https_url(url, &path.key("url")),
    };
    let seconds = match d.text(map.get("duration"), &path.key("duration")) {
        None => None,
        Some(text) => {
            let seconds = seconds(&text);
            if seconds.is_none() {
                d.error(
                    &path.key("duration"),
                    Part::Value,
                    tr!(
                        "`{text}` is not a length of video",
                        "`{text}` không phải độ dài video"
                    ),
                    Some(tr!(
                        "write minutes and seconds as `3:45`, or `12 phút`",
                        "viết phút và giây dạng `3:45`, hoặc `12 phút`"
                    )),
                );
            }
            seconds
        }
    };
    Some(Video {
        title: title?,
        url: url?,
        seconds,
    })
}

/// Seconds in "3:45", "1:02:03", "12 phút", "1 giờ 5 phút", "90 giây" or "12 min";
/// `None` for anything else, and for a zero length.
pub fn seconds(text: &str) -> Option<u32> {
    let text = text.trim();
    let total = if text.contains(':') {
        let parts: Vec<&str> = text.split(':').collect();
        if parts.len() > 3 {
            return None;
        }
        let mut total: u32 = 0;
        for (i, part) in parts.iter().enumerate() {
            let n: u32 = part.parse().ok()?;
            // Every part after the first counts up to 59.
            if i > 0 && (n > 59 || part.len() != 2) {
                return None;
            }
            total = total.checked_mul(60)?.checked_add(n)?;
        }
        total
    } else {
        let folded = fold(text);
        let words: Vec<&str> = folded.split_whitespace().collect();
        if words.is_empty() || !words.len().is_multiple_of(2) {
            return None;
        }
        let mut total: u32 = 0;
        for pair in words.chunks(2) {
            let n: u32 = pair[0].parse().ok()?;
            let unit = match pair[1] {
                "gio" | "h" | "hour" | "hours" => 3600,
                "phut" | "min" | "minute" | "minutes" => 60,
                "giay" | "s" | "sec" | "second" | "seconds" => 1,
                _ => return None,
            };
            total = total.checked_add(n.checked_mul(unit)?)?;
        }
        total
    };
    (total > 0).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::seconds;

    #[test]
    fn lengths_as_staff_write_them() {
        assert_eq!(seconds("3:45"), Some(225));
        assert_eq!(seconds("1:02:03"), Some(3723));
        assert_eq!(seconds("12 phút"), Some(720));
        assert_eq!(seconds("1 giờ 5 phút"), Some(3900));
        assert_eq!(seconds("90 giây"), Some(90));
        assert_eq!(seconds("2 Phut 30 giay"), Some(150));
        assert_eq!(seconds("12 min"), Some(720));
    }

    #[test]
    fn what_is_not_a_length_is_refused() {
        for text in [
            "5", "3:75", "3:4", "1:2:3:4", "ba phút", "12 ngày", "0:00", ":30", "",
        ] {
            assert_eq!(seconds(text), None, "{text}");
        }
    }
}
