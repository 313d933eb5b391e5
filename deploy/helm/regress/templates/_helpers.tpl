{{/* Names, labels and the pieces every pod of the chart shares. */}}

{{- define "regress.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "regress.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "regress.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "regress.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "regress.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "regress.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "regress.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "regress.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one component: call with (dict "ctx" $ "component" "web"). */}}
{{- define "regress.selectorLabels" -}}
app.kubernetes.io/name: {{ include "regress.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "regress.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if .Values.image.digest -}}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "regress.scaleOut" -}}
{{- if eq .Values.mode "scale-out" -}}true{{- end -}}
{{- end -}}

{{/* The service's environment (docs/app.md); secrets come from the named Secrets only. */}}
{{- define "regress.env" -}}
- name: REGRESS_DATA_DIR
  value: /var/lib/regress
- name: TMPDIR
  value: /tmp
- name: REGRESS_WEBHOOK_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ .Values.github.existingSecret }}
      key: {{ .Values.github.webhookSecretKey }}
- name: REGRESS_GITHUB_APP_ID
  valueFrom:
    secretKeyRef:
      name: {{ .Values.github.existingSecret }}
      key: {{ .Values.github.appIdKey }}
- name: REGRESS_GITHUB_PRIVATE_KEY_FILE
  value: /var/run/secrets/regress/{{ .Values.github.privateKeyKey }}
{{- with .Values.github.apiUrl }}
- name: REGRESS_GITHUB_API_URL
  value: {{ . | quote }}
{{- end }}
{{- if include "regress.scaleOut" . }}
- name: REGRESS_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.database.existingSecret }}
      key: {{ .Values.database.key }}
- name: REGRESS_QUEUE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.queue.existingSecret }}
      key: {{ .Values.queue.key }}
{{- end }}
- name: REGRESS_WORKERS
  value: {{ .Values.worker.threads | quote }}
- name: REGRESS_LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: REGRESS_LOG_FORMAT
  value: {{ .Values.logFormat | quote }}
{{- range $name, $value := .Values.extraEnv }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}

{{/* Writable paths on a read-only root filesystem, and the App's private key as a file. */}}
{{- define "regress.volumeMounts" -}}
- name: data
  mountPath: /var/lib/regress
- name: tmp
  mountPath: /tmp
- name: github-app
  mountPath: /var/run/secrets/regress
  readOnly: true
{{- end -}}

{{/* Call with (dict "ctx" $ "persistent" true|false). */}}
{{- define "regress.volumes" -}}
- name: data
{{- if .persistent }}
  persistentVolumeClaim:
    claimName: {{ include "regress.fullname" .ctx }}-data
{{- else }}
  emptyDir:
    sizeLimit: {{ .ctx.Values.scratch.dataSizeLimit }}
{{- end }}
- name: tmp
  emptyDir:
    sizeLimit: {{ .ctx.Values.scratch.tmpSizeLimit }}
- name: github-app
  secret:
    secretName: {{ .ctx.Values.github.existingSecret }}
    # Readable by the pod's group (fsGroup) only.
    defaultMode: 288  # 0440 in octal
    items:
      - key: {{ .ctx.Values.github.privateKeyKey }}
        path: {{ .ctx.Values.github.privateKeyKey }}
{{- end -}}

{{/* Scheduling shared by every pod; call with (dict "ctx" $ "component" "web"). */}}
{{- define "regress.scheduling" -}}
{{- with .ctx.Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .ctx.Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .ctx.Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .ctx.Values.topologySpread }}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "regress.selectorLabels" . | nindent 8 }}
{{- end }}
{{- end -}}
