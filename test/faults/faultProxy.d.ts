// Types for faultProxy.js: a proxy between n8n and the sandbox that breaks answers on purpose.
export type Fault = 'pass' | 'truncate' | 'reset' | { delayMs: number };

export interface FaultProxy {
	url: string;
	log: Array<{ method: string; url: string; status: number; fault: Fault }>;
	close(): Promise<void>;
}

export declare function startFaultProxy(targetUrl: string, faultFor: (billableIndex: number) => Fault): Promise<FaultProxy>;
