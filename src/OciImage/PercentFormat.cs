using System.Globalization;

namespace OciImage;

/// <summary>Fractions as table views show them, the way dive prints them: 0.9751 is "97.51 %"; NaN (nothing to divide) is "-".</summary>
public static class PercentFormat
{
    public static string Of(double fraction)
    {
        if (double.IsNaN(fraction))
        {
            return "-";
        }

        if (double.IsInfinity(fraction))
        {
            return fraction > 0 ? "inf %" : "-inf %";
        }

        return (fraction * 100).ToString("0.00", CultureInfo.InvariantCulture) + " %";
    }
}
