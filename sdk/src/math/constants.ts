/** 1e18: the fixed-point scale of every `…Wad` value, as in the contracts. */
export const WAD = 10n ** 18n;
