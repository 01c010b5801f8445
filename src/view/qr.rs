//! QR codes for printed notices: drawn at build time as SVG, error correction M (a
//! notice board's sun and scratches), with the four-module quiet zone scanners need.

use std::fmt::Write;

use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::types::Color;
use qrcode::{EcLevel, bits, ec};

use crate::render::html::escape;

/// Modules of white around the code, as the standard asks.
const QUIET_ZONE: usize = 4;

/// An SVG of the QR code for `url`, labelled with it for screen readers. `None`
/// only when the text is too long for any QR code (thousands of characters).
pub fn svg(url: &str) -> Option<String> {
    let (dark, width) = modules(url.as_bytes())?;
    let size = width + 2 * QUIET_ZONE;
    // One rectangle per run of dark modules in a row: a third of the bytes of one
    // square per module.
    let mut path = String::new();
    for (y, row) in dark.chunks(width).enumerate() {
        let mut x = 0;
        for run in row.chunk_by(|a, b| a == b) {
            if run[0] {
                let (left, top, w) = (x + QUIET_ZONE, y + QUIET_ZONE, run.len());
                let _ = write!(path, "M{left} {top}h{w}v1h-{w}z");
            }
            x += run.len();
        }
    }
    let label = escape(url);
    Some(format!(
        "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" role=\"img\" aria-label=\"QR: {label}\" shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

/// The code's modules, row by row (true = dark), and its width. The same code
/// `QrCode::with_error_correction_level` draws, but the mask is chosen here: the
/// crate scores the eight masks with a boxed closure per module and window, 2 ms a
/// code, a second of every build of a thousand records.
fn modules(data: &[u8]) -> Option<(Vec<bool>, usize)> {
    let bits = bits::encode_auto(data, EcLevel::M).ok()?;
    let version = bits.version();
    let (data, ec) = ec::construct_codewords(&bits.into_bytes(), version, EcLevel::M).ok()?;
    let mut canvas = Canvas::new(version, EcLevel::M);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);
    let width = version.width() as usize;
    MASKS
        .iter()
        .map(|mask| {
            let mut masked = canvas.clone();
            masked.apply_mask(*mask);
            let dark: Vec<bool> = masked
                .into_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect();
            (penalty(&dark, width), dark)
        })
        // The first of equal scores, in the standard's order, as the crate picks.
        .min_by_key(|(score, _)| *score)
        .map(|(_, dark)| (dark, width))
}

/// The eight masks in the standard's numbering.
const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// The standard's penalty of a masked code (ISO/IEC 18004, 7.8.3), scored as the
/// qrcode crate scores it so both choose the same mask: long runs, 2×2 blocks,
/// finder-like patterns and the dark/light balance.
fn penalty(dark: &[bool], width: usize) -> u32 {
    // Columns copied out as rows, so both directions are scored on plain slices.
    let mut columns = Vec::with_capacity(dark.len());
    for x in 0..width {
        columns.extend(dark.chunks(width).map(|row| row[x]));
    }
    let mut score = 0;
    for line in dark.chunks(width).chain(columns.chunks(width)) {
        score += line_penalty(line);
    }
    for (row, next) in dark.chunks(width).zip(dark.chunks(width).skip(1)) {
        for x in 0..width - 1 {
            let c = row[x];
            if row[x + 1] == c && next[x] == c && next[x + 1] == c {
                score += 3;
            }
        }
    }
    let ratio = dark.iter().filter(|d| **d).count() * 200 / dark.len();
    score + ratio.abs_diff(100) as u32
}

/// Runs and finder-like patterns in one row or column.
fn line_penalty(line: &[bool]) -> u32 {
    let mut score = 0;
    // Runs of five or more: 3 points, and 1 for each module beyond five.
    for run in line.chunk_by(|a, b| a == b) {
        if run.len() >= 5 {
            score += run.len() as u32 - 2;
        }
    }
    // Dark-light-dark×3-light-dark without four light modules beside it on one side
    // (outside the code counts as light): 40 points. The last seven modules ride
    // in the low bits of `window`, the first of them highest.
    const FINDER: u8 = 0b101_1101;
    let mut window: u8 = 0;
    for (end, &dark) in line.iter().enumerate() {
        window = ((window << 1) | dark as u8) & 0x7f;
        if end >= 6 && window == FINDER {
            let j = end - 6;
            let before = line[j.saturating_sub(4)..j].contains(&true);
            let after = line[end + 1..(end + 5).min(line.len())].contains(&true);
            if !before || !after {
                score += 40;
            }
        }
    }
    score
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mask chosen here is the crate's own choice, module for module.
    #[test]
    fn codes_are_the_ones_the_crate_draws() {
        for n in 0..300 {
            let url = format!(
                "https://thutuc.example.gov.vn/so-tay/thu-tuc/{}-{n}/",
                "thu-tuc-dang-ky-khai-sinh".repeat(n % 7)
            );
            let theirs =
                qrcode::QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).unwrap();
            let (ours, width) = modules(url.as_bytes()).unwrap();
            assert_eq!(width, theirs.width(), "{url}");
            let theirs: Vec<bool> = theirs
                .to_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect();
            assert_eq!(ours, theirs, "{url}");
        }
    }
}
