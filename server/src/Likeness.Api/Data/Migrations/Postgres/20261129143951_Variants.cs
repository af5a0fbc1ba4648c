using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Likeness.Api.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Variants : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "LastCurrentAt",
                table: "image_versions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Variants",
                table: "image_jobs",
                type: "integer",
                nullable: false,
                defaultValue: 1); // every job before variants made one image
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LastCurrentAt",
                table: "image_versions");

            migrationBuilder.DropColumn(
                name: "Variants",
                table: "image_jobs");
        }
    }
}
