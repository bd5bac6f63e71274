// Types for crustdataApi.js: Crustdata's documented API contract as zod schemas.
import type { ZodTypeAny } from 'zod';

import type { SandboxRequestLogEntry } from '../sandbox/server';

export declare const SECTIONS_BY_GENERATION: Record<1 | 2, string[]>;
export declare function enrichRequest(generation: 1 | 2): ZodTypeAny;
export declare function liveRequest(generation: 1 | 2): ZodTypeAny;
export declare const contactRequest: ZodTypeAny;
export declare function enrichAnswer(generation: 1 | 2): ZodTypeAny;
export declare const contactAnswer: ZodTypeAny;
export declare const errorBody: ZodTypeAny;
export declare const keyRejected: ZodTypeAny;
export declare const accountEndpointsAnswer: ZodTypeAny;
export declare const accountCreditsAnswer: ZodTypeAny;

/** What in the sandbox's exchanges breaks the contract, one line each; [] when all hold. */
export declare function contractViolations(exchanges: readonly SandboxRequestLogEntry[]): string[];
