// Chart colours: distinguishable, and readable on white (WCAG non-text contrast ≥ 3:1).
export const SERIES_COLORS = ["#2f5bd3", "#c2410c", "#047857", "#7c3aed", "#b91c1c", "#0e7490", "#a16207", "#be185d", "#4d7c0f", "#475569"];

export const CONFIDENTIALITY_COLORS: Record<string, string> = {
  public: "#15803d",
  internal: "#2f5bd3",
  confidential: "#b45309",
  strictly_confidential: "#b91c1c",
};

export const colorAt = (i: number) => SERIES_COLORS[i % SERIES_COLORS.length];
