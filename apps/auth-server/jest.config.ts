import { projectJestConfig } from '../../jest.preset.js';

export default projectJestConfig('auth-server');
