#!/usr/bin/env bash
# npm run chart:check: lint and render the Helm chart (deploy/helm/vaxverify) with the dev and
# national values, then check the rendered manifests' invariants (test/deploy/chart.test.ts).
#
# helm is built once from the Go module proxy (go install) and cached under
# ${VAXVERIFY_CACHE:-~/.cache/vaxverify}/helm/<version>/helm; later runs take about a second.
#   bash scripts/chart-check.sh                 lint + render + invariant test
#   bash scripts/chart-check.sh --render DIR    lint + render into DIR only (the test calls this)
#   bash scripts/chart-check.sh --helm          print the helm binary's path (builds it if missing)
set -euo pipefail
cd "$(dirname "$0")/.."

HELM_VERSION="${HELM_VERSION:-v3.21.4}"   # the newest helm v3 the Go module proxy served (Dec 2026)
KUBE_VERSION="1.31.0"                     # what `helm template` assumes of the cluster (Chart.yaml kubeVersion >= 1.27)
CACHE="${VAXVERIFY_CACHE:-$HOME/.cache/vaxverify}"
HELM="$CACHE/helm/$HELM_VERSION/helm"
CHART=deploy/helm/vaxverify

build_helm() {
  [[ -x "$HELM" ]] && return 0
  command -v go >/dev/null || { echo "chart-check: go is needed to build helm $HELM_VERSION (go install helm.sh/helm/v3/cmd/helm@$HELM_VERSION)" >&2; exit 1; }
  echo "chart-check: building helm $HELM_VERSION from the Go module proxy into $(dirname "$HELM") (once; a few minutes)" >&2
  mkdir -p "$(dirname "$HELM")"
  # Outside any module, so no go.mod here is read or changed.
  (cd "$(mktemp -d)" && GOFLAGS=-mod=mod GOBIN="$(dirname "$HELM").tmp" go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION")
  mv "$(dirname "$HELM").tmp/helm" "$HELM" && rmdir "$(dirname "$HELM").tmp"
}

render() {
  local out="$1"
  mkdir -p "$out"
  for env in dev national; do
    "$HELM" lint "$CHART" -f "$CHART/values-$env.yaml" --kube-version "$KUBE_VERSION" --strict >"$out/lint-$env.txt" 2>&1 \
      || { cat "$out/lint-$env.txt" >&2; echo "chart-check: helm lint failed with values-$env.yaml" >&2; exit 1; }
    "$HELM" template vaxverify "$CHART" -f "$CHART/values-$env.yaml" --kube-version "$KUBE_VERSION" \
      --api-versions keda.sh/v1alpha1 --api-versions monitoring.coreos.com/v1 >"$out/$env.yaml" \
      || { echo "chart-check: helm template failed with values-$env.yaml" >&2; exit 1; }
  done
  echo "chart-check: helm $HELM_VERSION lint and template passed (dev, national) -> $out" >&2
}

case "${1:-}" in
  --helm) build_helm; echo "$HELM" ;;
  --render) build_helm; render "${2:?--render DIR}" ;;
  "")
    build_helm
    out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
    render "$out"
    CHART_RENDER_DIR="$out" npx vitest run test/deploy
    ;;
  *) echo "usage: $0 [--render DIR | --helm]" >&2; exit 2 ;;
esac
