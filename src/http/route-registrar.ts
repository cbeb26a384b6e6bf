import type { FastifyInstance } from "fastify";
import type { Gateway } from "../gateway/gateway.js";

/** A feature's HTTP routes: registered once on the server, after the core ones. */
export type RouteRegistrar = (app: FastifyInstance, gateway: Gateway) => void | Promise<void>;
