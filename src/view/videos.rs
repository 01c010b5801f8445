//! Video guides as links: the title, how long, and which site it opens, so a citizen
//! on a metered connection can choose before leaving the handbook.

use serde::Serialize;

use crate::model::video::Video;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VideoView {
    pub title: String,
    pub url: String,
    /// The site the link opens: "www.youtube.com".
    pub host: String,
    /// "3:45", "1:02:03".
    pub duration: Option<String>,
    /// The same length for `<time datetime>`: "PT3M45S".
    pub datetime: Option<String>,
}

pub fn views(videos: &[Video]) -> Vec<VideoView> {
    videos.iter().map(view).collect()
}

fn view(video: &Video) -> VideoView {
    let host = video
        .url
        .split_once("://")
        .map_or("", |(_, rest)| rest)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .to_string();
    VideoView {
        title: video.title.clone(),
        url: video.url.clone(),
        host,
        duration: video.seconds.map(clock),
        datetime: video.seconds.map(iso),
    }
}

fn clock(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

fn iso(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    let mut out = String::from("PT");
    for (n, unit) in [(h, 'H'), (m, 'M'), (s, 'S')] {
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_video_shows_its_length_and_site() {
        let v = view(&Video {
            title: "Nộp hồ sơ trực tuyến".into(),
            url: "https://www.youtube.com/watch?v=abc".into(),
            seconds: Some(3723),
        });
        assert_eq!(v.host, "www.youtube.com");
        assert_eq!(v.duration.as_deref(), Some("1:02:03"));
        assert_eq!(v.datetime.as_deref(), Some("PT1H2M3S"));
        assert_eq!(clock(225), "3:45");
        assert_eq!(iso(225), "PT3M45S");
    }
}
