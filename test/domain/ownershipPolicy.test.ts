import { describe, expect, it } from 'vitest';
import { checkOwnership, defaultOwnership, ownershipPolicyFrom } from '../../src/domain/index.js';

describe('ownershipPolicy', () => {
  it('lets the owning system submit its transition', () => {
    expect(checkOwnership(defaultOwnership, 'WMS', 'ShipmentConfirmed')).toBeNull();
    expect(checkOwnership(defaultOwnership, 'TMS', 'DeliveryConfirmed')).toBeNull();
  });
  it('refuses another system with NOT_OWNER, naming the owners', () => {
    expect(checkOwnership(defaultOwnership, 'CRM', 'DeliveryConfirmed')).toMatchObject({
      code: 'NOT_OWNER', message: expect.stringContaining('TMS, EDI'), field: 'envelope.sourceSystem.kind',
    });
  });
  it('keeps exception events to the ledger alone', () => {
    expect(checkOwnership(defaultOwnership, 'ERP', 'ExceptionRaised')?.code).toBe('NOT_OWNER');
    expect(checkOwnership(defaultOwnership, 'LEDGER', 'ExceptionRaised')).toBeNull();
  });
  it('applies configured overrides over the defaults', () => {
    const policy = ownershipPolicyFrom({ Picked: ['WMS', 'ERP'] });
    expect(checkOwnership(policy, 'ERP', 'Picked')).toBeNull();
    expect(policy.Packed).toEqual(['WMS']);
  });
  it('stops on an override that names an unknown system or a ledger-only event', () => {
    expect(() => ownershipPolicyFrom({ Picked: ['SAP'] })).toThrow(/Picked/);
    expect(() => ownershipPolicyFrom({ ExceptionRaised: ['ERP'] })).toThrow(/ownership/);
  });
});
