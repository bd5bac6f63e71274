// One rule apart from `n8n-node lint`, whose strict mode accepts only the template eslint.config.mjs:
// no function in the node or the credential runs past a screen. Data literals stay outside functions.
import tsParser from '@typescript-eslint/parser';

export default [
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		languageOptions: { parser: tsParser },
		linterOptions: { reportUnusedDisableDirectives: 'error' },
		rules: {
			'max-lines-per-function': ['error', { max: 80, skipBlankLines: false, skipComments: false, IIFEs: true }],
		},
	},
];
