//! What search engines read: robots.txt always, sitemap.xml when the site knows its
//! address.

use super::OutputFile;
use crate::model::site::Site;

pub(super) fn files<'a>(site: &Site, sitemap: impl Iterator<Item = &'a str>) -> Vec<OutputFile> {
    let mut robots = String::from("User-agent: *\nAllow: /\n");
    let mut files = Vec::new();
    if let Some(base) = &site.config.base_url {
        robots.push_str(&format!("Sitemap: {base}/sitemap.xml\n"));
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for path in sitemap {
            xml.push_str(&format!(
                "<url><loc>{}</loc></url>\n",
                crate::render::html::escape(&crate::urls::canonical(base, path))
            ));
        }
        xml.push_str("</urlset>\n");
        files.push(OutputFile {
            path: "sitemap.xml".into(),
            bytes: xml.into_bytes(),
        });
    }
    files.push(OutputFile {
        path: "robots.txt".into(),
        bytes: robots.into_bytes(),
    });
    files
}
