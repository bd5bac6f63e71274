// Types for n8n.js, which runs the node in n8n-core's WorkflowExecute.
import type { ICredentialType, IDataObject, INodeExecutionData, INodeParameters, INodeType } from 'n8n-workflow';

export interface EnrichRunOptions {
	nodeType: INodeType;
	credentialType: ICredentialType;
	credentials: IDataObject;
	parameters: INodeParameters;
	items: IDataObject[];
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	/** Parameters of a node after the enrich node whose expressions read paired items. */
	downstream?: { inputRow: string; enriched: string };
	/** Cancels the run after this many milliseconds, as the editor's Stop button does. */
	cancelAfterMs?: number;
}

export interface EnrichRun {
	status: string;
	error?: { message: string; description?: string | null; context?: IDataObject; name?: string };
	/** The enrich node's outputs: [main] or, with the error output, [main, error]. */
	outputs: INodeExecutionData[][];
	downstream: INodeExecutionData[];
	hints: Array<{ message: string; type?: string; location?: string }>;
}

export declare function runEnrichWorkflow(options: EnrichRunOptions): Promise<EnrichRun>;

export interface ToolCallOptions {
	nodeType: INodeType;
	credentialType: ICredentialType;
	credentials: IDataObject;
	parameters: INodeParameters;
	/** The arguments the agent called the tool with, read by the parameters' `$fromAI()`. */
	toolArgs: IDataObject;
	/** The context n8n runs the call in: the MCP Server Trigger's tool context (default), or the workflow engine AI Agent 3.1 hands calls to. */
	via?: 'toolContext' | 'engine';
}

export interface ToolCall {
	/** The output items' json: what n8n hands the agent, as JSON text. */
	answer: IDataObject[];
	/** The description the agent reads, as n8n resolved the parameter. */
	toolDescription: unknown;
}

/** One tool call of the node's tool variant, run as n8n's queue-mode worker runs it. */
export declare function callAsTool(options: ToolCallOptions): Promise<ToolCall>;

/** Stops the timers n8n's services start on first use, so the test process can exit. */
export declare function stopN8nServices(): void;

export interface NodeLogLine {
	level: 'error' | 'warn' | 'info';
	message: string;
	meta?: unknown;
}

/** Records what nodes log through n8n's logger until `stop()`. */
export declare function captureNodeLogs(): { lines: NodeLogLine[]; stop(): void };
