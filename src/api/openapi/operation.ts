import type { z } from "zod";

/** A schema with the name it has under `components.schemas`. */
export interface NamedSchema {
  name: string;
  schema: z.ZodType;
}

export const named = (name: string, schema: z.ZodType): NamedSchema => ({ name, schema });

export interface ResponseSpec {
  description: string;
  schema?: NamedSchema;
  /** Default `application/json`. */
  contentType?: string;
  /** A second representation, e.g. `text/event-stream` chunks when the request asks to stream. */
  stream?: NamedSchema;
}

/** One documented route: the same zod schemas the handler validates with, and what it answers. */
export interface Operation {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** The route as Fastify registers it (`/v1/files/:id`). */
  path: string;
  tag: string;
  summary: string;
  body?: NamedSchema & { contentType?: string };
  query?: z.ZodType;
  responses: Record<number, ResponseSpec>;
  /** `key`: a virtual key or the master key; `master`: the master key (or, where noted, a project admin key); `none`. */
  auth: "key" | "master" | "none";
}
