// The node's layers, checked by `npm run lint`: no import cycles (type-only imports included),
// and each concern folder imports only the ones below it. docs/ARCHITECTURE.md draws the same.
const NODE = '^nodes/CrustdataPersonEnrich';

/** Bottom to top: a folder may import the folders before it, never those after it. */
const LAYERS = ['planning', 'credits', 'transport', 'account', 'results', 'contact', 'batch', 'run', 'description'];

/** The root's bottom: the shared vocabulary, which every folder may import and which imports nothing of the node. */
const VOCABULARY = `${NODE}/(types|vocabulary|quantities)\\.ts$`;

const layerRules = LAYERS.flatMap((layer, index) =>
	LAYERS.slice(index + 1).map((above) => ({
		name: `${layer}-below-${above}`,
		comment: `${layer}/ sits below ${above}/ and may not import it`,
		severity: 'error',
		from: { path: `${NODE}/${layer}/` },
		to: { path: `${NODE}/${above}/` },
	})),
);

module.exports = {
	forbidden: [
		{
			name: 'no-circular',
			comment: 'An import cycle, type-only imports included: move the shared name down to the vocabulary',
			severity: 'error',
			from: {},
			to: { circular: true },
		},
		{
			name: 'vocabulary-imports-nothing',
			comment: 'types.ts, vocabulary.ts and quantities.ts are the bottom: they import nothing of the node',
			severity: 'error',
			from: { path: VOCABULARY },
			to: { path: `${NODE}/`, pathNot: VOCABULARY },
		},
		{
			name: 'folders-import-only-the-vocabulary-from-the-root',
			comment: 'The root also holds the node, the settings reader and the agent tool, which sit above every folder',
			severity: 'error',
			from: { path: `${NODE}/[^/]+/` },
			to: { path: `${NODE}/[^/]+\\.ts$`, pathNot: VOCABULARY },
		},
		{
			name: 'credentials-import-no-node',
			comment: 'The credential stands alone: the node imports from it, never the other way',
			severity: 'error',
			from: { path: '^credentials/' },
			to: { path: '^nodes/' },
		},
		...layerRules,
	],
	options: {
		doNotFollow: { path: 'node_modules' },
		exclude: { path: '^(dist|test|node_modules)/' },
		// Without it, type-only imports vanish before the check and a cycle through a type goes unseen.
		tsPreCompilationDeps: true,
		tsConfig: { fileName: 'tsconfig.json' },
	},
};
