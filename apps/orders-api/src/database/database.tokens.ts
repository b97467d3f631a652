/** Injection token of the {@link OpenDatabase} of the running app. */
export const DATABASE = Symbol.for('orders-api.Database');
