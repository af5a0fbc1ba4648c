namespace Likeness.Api.Providers.Local;

/// <summary>
/// How the Local engine, which is deterministic, makes the variants of one turn differ (documented in
/// docs/local-provider.md). Variant 0 is always the image a single request makes.
/// <list type="bullet">
/// <item>Generate: variant <c>n</c> starts the reference cards at the <c>n</c>-th reference, and odd variants swap the
/// background's two colours, variants 2 and 3 move its glow to the other side (<see cref="LocalImageCompositor.Compose"/>).</item>
/// <item>Edit: each instruction's strength is scaled by <see cref="StrengthFactors"/>[n] (blur, sharpen, pixelate,
/// brighter, darker, contrast, saturation, warmer, cooler, tint, zoom); black and white, sepia and invert are
/// applied at <see cref="Amounts"/>[n] of their full effect. Rotations, flips, borders, backgrounds and text do
/// not vary.</item>
/// </list>
/// </summary>
public static class LocalVariants
{
    /// <summary>The most variants one turn may ask for.</summary>
    public const int Max = 4;

    public static readonly float[] StrengthFactors = [1f, 0.6f, 1.5f, 0.8f];

    public static readonly float[] Amounts = [1f, 0.6f, 0.85f, 0.75f];

    /// <summary>The instructions as variant <paramref name="variant"/> runs them.</summary>
    public static IReadOnlyList<EditInstruction> Vary(IReadOnlyList<EditInstruction> instructions, int variant)
    {
        if (variant <= 0)
            return instructions;
        var index = variant % Max;
        var factor = StrengthFactors[index];
        return instructions.Select(i => i.Operation switch
        {
            EditOperation.Grayscale or EditOperation.Sepia or EditOperation.Invert => i with { Amount = Amounts[index] },
            EditOperation.Zoom => i with { ZoomFactor = 1f + (i.ZoomFactor - 1f) * factor },
            EditOperation.Rotate or EditOperation.FlipHorizontal or EditOperation.FlipVertical or EditOperation.Border
                or EditOperation.Background or EditOperation.Text => i,
            _ => i with { Strength = i.Strength * factor },
        }).ToList();
    }
}
