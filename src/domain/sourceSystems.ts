/** Systems that may submit transitions to the ledger. */
export const sourceSystemKinds = ['CRM', 'ECOMMERCE', 'EDI', 'ERP', 'WMS', 'TMS'] as const;
export type SourceSystemKind = (typeof sourceSystemKinds)[number];

/** The ledger itself, the only emitter of exception events. */
export const ledgerSystemKind = 'LEDGER';
export type EmitterKind = SourceSystemKind | typeof ledgerSystemKind;
export const emitterKinds = [...sourceSystemKinds, ledgerSystemKind] as const;

/** The `sourceSystem` the ledger stamps on the events it raises itself. */
export const ledgerSourceSystem = { kind: ledgerSystemKind, instance: 'order-ledger' } as const;
