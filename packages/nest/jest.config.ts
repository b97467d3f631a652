import { projectJestConfig } from '../../jest.preset.js';

export default projectJestConfig('nest');
