// The `express4` alias (npm:express@4) used by express4.spec.ts; typed as Express.
declare module 'express4' {
  import express from 'express';
  export default express;
}
