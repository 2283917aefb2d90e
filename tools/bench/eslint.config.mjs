// @ts-check
// The workspace rules, plus: never lint the throwaway bundles a run leaves in .cache/.
import workspace from '../../eslint.config.mjs';

export default [{ ignores: ['.cache/**'] }, ...workspace];
