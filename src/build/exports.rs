//! The data exports of the whole history: `/incidents.json` and
//! `/action-items.csv`. `/action-items/` is `action_items.rs`, `/stats/`
//! is `stats_page.rs`.

use super::views::Urls;
use super::{BuildError, Rendering};
use crate::insight::export;

/// `incidents.json` and `action-items.csv`.
pub(super) fn export_files(site: &Rendering) -> Result<usize, BuildError> {
    let url_of =
        |w: &crate::content::WriteUp| site.derived.urls.absolute(&Urls::writeup_path(&w.slug));
    let today = site.derived.today;
    let json = export::incidents_json(&site.derived.writeups, site.derived.config, today, &url_of);
    let parts: Vec<&[u8]> = json.iter().map(Vec::as_slice).collect();
    site.staging.write_parts("incidents.json", &parts)?;
    let csv = export::action_items_csv(&site.derived.writeups, site.derived.config, today, &url_of);
    site.staging.write("action-items.csv", csv.as_bytes())?;
    Ok(2)
}
