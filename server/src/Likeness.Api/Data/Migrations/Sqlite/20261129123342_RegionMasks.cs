using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Likeness.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RegionMasks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "MaskKey",
                table: "image_versions",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_image_versions_MaskKey",
                table: "image_versions",
                column: "MaskKey");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_image_versions_MaskKey",
                table: "image_versions");

            migrationBuilder.DropColumn(
                name: "MaskKey",
                table: "image_versions");
        }
    }
}
