import { projectJestConfig } from '../../jest.config.ts';

export default projectJestConfig('core', import.meta.dirname);
