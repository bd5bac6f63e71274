// Building blocks for the workflows the demo and the benchmark write for n8n to import.

/** A node laid out left to right at `x`. */
const workflowNode = (name, type, typeVersion, x, parameters, extra = {}) => ({
	id: name.replace(/\W/g, ''),
	name,
	type,
	typeVersion,
	position: [x, 0],
	parameters,
	...extra,
});

/** A manual trigger and a Code node named `name` that returns `rows` as items, as a sheet would. */
const rowsSource = (name, rows) => [
	workflowNode('Start', 'n8n-nodes-base.manualTrigger', 1, 0, {}),
	workflowNode(name, 'n8n-nodes-base.code', 2, 220, { jsCode: `return ${JSON.stringify(rows)}.map((json) => ({ json }));` }),
];

/** The end of a connection into `target`'s input `index`. */
const to = (target, index = 0) => ({ node: target, type: 'main', index });

/** An inactive workflow, ready for `n8n import:workflow`. */
const workflow = (id, name, nodes, connections) => ({ id, name, active: false, nodes, connections, settings: { executionOrder: 'v1' } });

module.exports = { rowsSource, to, workflow, workflowNode };
