#!/usr/bin/env bash
# Checks a built site with real clients: the Nu HTML Checker on every page,
# feedparser and an RSS 2.0 structure check on every feed, and headless
# Chromium with axe-core on each kind of page. Needs: java, python3 with
# feedparser, node with this folder's `npm ci` done, /usr/bin/chromium.
#
#   tests/e2e/run.sh SITE_DIR BASE_URL [SHOTS_DIR]
set -euo pipefail
site="$1"
base_url="$2"
shots="${3:-$(mktemp -d)/screenshots}"
here="$(cd "$(dirname "$0")" && pwd)"
status=0

echo "== Nu HTML Checker (vnu) on every page"
if java -jar "$here/node_modules/vnu-jar/build/dist/vnu.jar" --errors-only --skip-non-html "$site"; then
  echo "html: $(find "$site" -name '*.html' | wc -l) pages valid"
else
  echo "html: the Nu HTML Checker found errors"
  status=1
fi

echo "== feeds"
python3 "$here/feeds.py" "$site" "$base_url" || status=1

echo "== browser and accessibility"
node "$here/site-check.mjs" "$site" "$shots" /incidents/prod-db-stale-snapshot/ "/search/?q=database+restore" || status=1

exit $status
