// @ts-check
import workspace from '../../eslint.config.mjs';

export default workspace;
