{{/* Names and labels. */}}
{{- define "vaxverify.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}{{ .Release.Name | trunc 50 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "vaxverify.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "vaxverify.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "vaxverify.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "vaxverify.fullname" .)) -}}
{{- end -}}

{{- define "vaxverify.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* PROVINCE_GROUPS from provinceGroups: north=01,02;south=79 */}}
{{- define "vaxverify.provinceGroups" -}}
{{- $parts := list -}}
{{- range .Values.provinceGroups -}}
{{- $parts = append $parts (printf "%s=%s" .name (join "," .provinces)) -}}
{{- end -}}
{{- join ";" $parts -}}
{{- end -}}

{{/*
Every worker Deployment (queue groups and province groups), as a list of dicts:
name, queues, concurrency, shutdownTimeoutSeconds, resources, keda, uploads, webhookEgress,
nodeOptions. A province group's memory is base + slots x ceil(MB per million x its largest province), slots =
min(its provinces, snapshot.maxSlotsPerWorker) = the snapshots one worker keeps (SNAPSHOT_MAX_PROVINCES).
*/}}
{{- define "vaxverify.workerList" -}}
{{- $out := list -}}
{{- range $name, $w := .Values.workers -}}
{{- $out = append $out (merge (dict "name" $name) $w) -}}
{{- end -}}
{{- $g := .Values.verificationGroup -}}
{{- $snap := .Values.snapshot -}}
{{- range .Values.provinceGroups -}}
{{- $snapshotMi := ceil (mulf $snap.mbPerMillionCitizens .largestProvinceMillions) | int -}}
{{- $slots := min (len .provinces) (int $snap.maxSlotsPerWorker) -}}
{{- $memMi := add $g.baseMemoryMi (mul $slots $snapshotMi) -}}
{{- $res := dict "requests" (dict "cpu" $g.cpu.request "memory" (printf "%dMi" $memMi)) "limits" (dict "cpu" $g.cpu.limit "memory" (printf "%dMi" $memMi)) -}}
{{- $keda := merge (dict) (.keda | default dict) $g.keda -}}
{{- $out = append $out (dict "name" (printf "verify-%s" .name) "queues" (list (printf "verification-%s" .name)) "concurrency" ($g.concurrency) "shutdownTimeoutSeconds" $g.shutdownTimeoutSeconds "resources" $res "keda" $keda "provinceGroup" .name "snapshotSlots" $slots "memoryMi" $memMi "heapMi" (div (mul $memMi 3) 4)) -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/* Pod-level pieces shared by every workload. */}}
{{- define "vaxverify.podCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets: {{ toYaml . | nindent 2 }}
{{- end }}
securityContext: {{ toYaml .Values.securityContext.pod | nindent 2 }}
automountServiceAccountToken: false
{{- end -}}

{{- define "vaxverify.envFrom" -}}
envFrom:
  - configMapRef: { name: {{ include "vaxverify.fullname" . }}-config }
  - secretRef: { name: {{ include "vaxverify.secretName" . }} }
{{- end -}}

{{/* The keda trigger query: jobs of a queue in the counted states, the same on every API replica (max), summed over states. */}}
{{- define "vaxverify.queueDepthQuery" -}}
sum(max by (queue, state) (vaxverify_queue_jobs{queue="{{ .queue }}",state=~"{{ join "|" .states }}"}))
{{- end -}}

{{/* Egress every workload needs: DNS, Redis (and sentinels), MongoDB. Argument: .Values.networkPolicy */}}
{{- define "vaxverify.egressStores" -}}
# DNS, to resolve the store and Redis services.
- ports: [{ protocol: UDP, port: 53 }, { protocol: TCP, port: 53 }]
  to: [{ namespaceSelector: {}, podSelector: { matchLabels: { k8s-app: kube-dns } } }]
- ports: [{{- range $i, $p := .redis.ports }}{{ if $i }}, {{ end }}{ protocol: TCP, port: {{ $p }} }{{- end }}]
  to: {{- toYaml .redis.to | nindent 4 }}
- ports: [{{- range $i, $p := .mongo.ports }}{{ if $i }}, {{ end }}{ protocol: TCP, port: {{ $p }} }{{- end }}]
  to: {{- toYaml .mongo.to | nindent 4 }}
{{- end -}}
