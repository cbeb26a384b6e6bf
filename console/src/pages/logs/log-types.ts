export interface LogSummary {
  id: string;
  request_id: string;
  project_id: string;
  key_id: string;
  created_at: number;
  api: string;
  model: string;
  deployment: string | null;
  routed_model: string | null;
  provider: string | null;
  status: string;
  http_status: number;
  error_code: string | null;
  stream: boolean;
  cache_hit: boolean;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  latency_ms: number;
  masked_values: number;
  feedback: { score: number; comment: string | null } | null;
  unmasked_available: boolean;
  prompt_preview: string;
  answer_preview: string;
}

export interface LoggedMessage {
  role: string;
  content: string;
  images_omitted?: boolean;
}

export interface LogDetail extends Omit<LogSummary, "prompt_preview" | "answer_preview"> {
  view: "masked" | "unmasked";
  request: { model: string; messages: LoggedMessage[] } | null;
  response: { text: string; finish_reason?: string; error?: string; tool_calls?: Array<{ name: string; arguments: string }> } | null;
}

export interface LogFilters {
  project_id: string;
  model: string;
  status: string;
  q: string;
  min_score: string;
  from: string;
}
