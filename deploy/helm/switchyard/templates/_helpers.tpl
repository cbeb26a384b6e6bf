{{- define "switchyard.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "switchyard.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "switchyard.labels" -}}
app.kubernetes.io/name: {{ include "switchyard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "switchyard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "switchyard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The Secret the chart makes for values given inline. */}}
{{- define "switchyard.secretName" -}}
{{- include "switchyard.fullname" . -}}
{{- end -}}

{{/* An env entry read from either an existing Secret or the chart's own. Args: list root name value key. */}}
{{- define "switchyard.secretEnv" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $value := index . 2 -}}
{{- $ownKey := index . 3 -}}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
{{- if $value.existingSecret }}
      name: {{ $value.existingSecret }}
      key: {{ $value.existingSecretKey }}
{{- else }}
      name: {{ include "switchyard.secretName" $root }}
      key: {{ $ownKey }}
{{- end }}
{{- end -}}
