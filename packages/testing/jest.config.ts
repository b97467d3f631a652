import { projectJestConfig } from '../../jest.config.ts';

export default projectJestConfig('testing', import.meta.dirname);
