import { projectJestConfig } from '../../jest.config.ts';

export default projectJestConfig('nest', import.meta.dirname);
