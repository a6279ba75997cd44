//! `blameless search`: a query answered from a built site's index, as the
//! search page answers it in the browser.

use super::{Error, Global, ReportFormat};
use crate::text::{display_path, plural};
use std::path::PathBuf;

/// What `blameless search` is asked.
#[derive(clap::Args, Debug, Clone)]
pub struct SearchArgs {
    /// The query
    pub query: String,
    /// The built site [default: build.output, public]
    #[arg(long, value_name = "DIR")]
    pub site: Option<PathBuf>,
    /// Select a facet value, FACET=VALUE (severity, service, tag, year, status, items, author); values of one facet are alternatives
    #[arg(long = "filter", value_name = "FACET=VALUE")]
    pub filters: Vec<String>,
    /// Order of results: relevance, newest, oldest, outage (longest first)
    #[arg(long, default_value = "relevance")]
    pub sort: String,
    /// How many results to print
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
}

/// `blameless search`: answers a query from a built site's index, as the
/// search page does in the browser.
pub fn search(global: &Global, args: &SearchArgs) -> Result<(), Error> {
    use crate::search::{Index, Sort};
    let site = match &args.site {
        Some(dir) => dir.clone(),
        None => global.open()?.output(None),
    };
    let Some(sort) = Sort::from_name(&args.sort) else {
        return Err(Error::Usage(format!(
            "--sort: `{}` is not one of {}",
            args.sort,
            Sort::NAMES.join(", ")
        )));
    };
    let mut selected: Vec<(String, Vec<String>)> = Vec::new();
    for filter in &args.filters {
        let Some((key, value)) = filter.split_once('=') else {
            return Err(Error::Usage(format!(
                "--filter: `{filter}` is not FACET=VALUE (for example severity=SEV1)"
            )));
        };
        match selected.iter_mut().find(|(k, _)| k == key) {
            Some((_, values)) => values.push(value.to_string()),
            None => selected.push((key.to_string(), vec![value.to_string()])),
        }
    }
    let mut index = Index::open(&site).map_err(|e| {
        Error::Usage(format!(
            "no search index in {}: {e}\nhint: run `blameless build` first, or give the built site with --site",
            display_path(&global.root, &site)
        ))
    })?;
    let query = index.parse(&args.query);
    let answer = index.search(&query, &selected, sort).and_then(|results| {
        let shown: Vec<_> = results
            .ids
            .iter()
            .zip(&results.scores)
            .take(args.limit)
            .map(|(&id, &score)| index.hit(id).map(|hit| (id, score, hit)))
            .collect::<Result<_, _>>()?;
        Ok((results, shown))
    });
    let damaged = |e: std::io::Error| {
        Error::Usage(format!(
            "the search index is damaged: {e}\nhint: rebuild the site"
        ))
    };
    let (results, shown) = answer.map_err(damaged)?;
    // Nothing found for some words: what the search page offers instead.
    let suggestions = if results.ids.is_empty() && !query.is_empty() {
        index.suggest(&args.query, &selected).map_err(damaged)?
    } else {
        crate::search::Suggestions::default()
    };
    if args.format == ReportFormat::Json {
        let json = serde_json::json!({
            "total": results.ids.len(),
            "results": shown.iter().map(|(id, score, hit)| serde_json::json!({
                "id": id, "score": score, "url": hit.url, "title": hit.title(), "date": hit.date,
            })).collect::<Vec<_>>(),
            "facets": results.facets.iter().map(|(k, values)| (k.clone(), values.clone())).collect::<std::collections::BTreeMap<_, _>>(),
            "suggestions": suggestions,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&json).unwrap_or_default()
        );
    } else {
        println!(
            "{}",
            plural(results.ids.len(), "write-up matches", "write-ups match")
        );
        for (_, _, hit) in &shown {
            println!(
                "  {}  {}  {}\n    {}",
                hit.date,
                hit.severity,
                hit.title(),
                hit.url
            );
        }
        if let Some(nearest) = &suggestions.nearest {
            println!("did you mean: {nearest}");
        }
        for (fewer, found) in &suggestions.fewer {
            println!(
                "with fewer words: {fewer} ({})",
                plural(*found, "write-up", "write-ups")
            );
        }
    }
    Ok(())
}
