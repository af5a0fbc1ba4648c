using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Likeness.Api.Data;

public static class EntityTypeBuilderExtensions
{
    /// <summary>Gives several text columns the same maximum length (image keys, MIME types, sizes...).</summary>
    public static EntityTypeBuilder<T> HasMaxLength<T>(
        this EntityTypeBuilder<T> entity, int maxLength, params Expression<Func<T, string?>>[] columns) where T : class
    {
        foreach (var column in columns)
            entity.Property(column).HasMaxLength(maxLength);
        return entity;
    }
}
