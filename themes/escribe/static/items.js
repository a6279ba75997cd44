// The action items' filters and pages in place: each filter is its own page
// (they work without this script); with it, following one fetches that page
// and swaps its list into this one, keeping the scroll position of the
// filters and the browser's history.
(function () {
  "use strict";
  var ID = "items-browser";

  function browser(doc) { return doc.getElementById(ID); }

  function swap(html, url, push) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var next = browser(doc);
    var here = browser(document);
    if (!next || !here) { window.location.href = url; return; }
    here.replaceWith(document.importNode(next, true));
    document.title = doc.title;
    if (push) history.pushState({ items: true }, "", url);
    var heading = document.getElementById("items-heading");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: true });
    }
  }

  var pending = null;
  function go(url, push) {
    if (pending) pending.abort();
    pending = new AbortController();
    var here = browser(document);
    if (here) here.setAttribute("aria-busy", "true");
    fetch(url, { signal: pending.signal })
      .then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.text();
      })
      .then(function (html) { swap(html, url, push); })
      .catch(function (e) {
        if (e.name !== "AbortError") window.location.href = url;
      });
  }

  document.addEventListener("click", function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    var link = e.target.closest && e.target.closest(".item-filters a, .items-pagination a");
    if (!link || !browser(document) || link.origin !== window.location.origin) return;
    e.preventDefault();
    go(link.href, true);
  });

  window.addEventListener("popstate", function () {
    if (browser(document)) go(window.location.href, false);
  });
})();
