using Chorus.Engine.Expressions;

namespace Chorus.Engine.Tests.Expressions;

public class ExpressionCacheTests
{
    [Fact]
    public void Get_SameText_ReturnsSameInstance()
    {
        var text = $"$.a + {Guid.NewGuid().GetHashCode()}";
        Assert.Same(ExpressionCache.Get(text), ExpressionCache.Get(text));
    }

    [Fact]
    public void Get_InvalidText_ThrowsEveryTime()
    {
        Assert.Throws<ExpressionException>(() => ExpressionCache.Get("(1 +"));
        Assert.Throws<ExpressionException>(() => ExpressionCache.Get("(1 +"));
    }

    [Fact]
    public void Get_ManyDistinctTexts_StaysBounded()
    {
        for (var i = 0; i < ExpressionCache.MaxEntries + 500; i++) ExpressionCache.Get($"{i} + 0");
        Assert.InRange(ExpressionCache.Count, 1, ExpressionCache.MaxEntries);
    }

    [Fact]
    public void Get_ParsedExpression_Evaluates() =>
        Assert.Equal(3, ExpressionCache.Get("1 + 2").Evaluate(null)!.GetValue<int>());
}
