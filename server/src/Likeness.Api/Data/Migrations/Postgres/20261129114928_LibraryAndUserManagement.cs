using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Likeness.Api.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LibraryAndUserManagement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_image_generation_sessions_UserId",
                table: "image_generation_sessions");

            migrationBuilder.AddColumn<DateTime>(
                name: "ArchivedAt",
                table: "image_generation_sessions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DisabledAt",
                table: "AspNetUsers",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_image_generation_sessions_UserId",
                table: "image_generation_sessions",
                column: "UserId",
                unique: true,
                filter: "\"ArchivedAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_image_generation_sessions_UserId_ArchivedAt",
                table: "image_generation_sessions",
                columns: new[] { "UserId", "ArchivedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_image_generation_sessions_UserId",
                table: "image_generation_sessions");

            migrationBuilder.DropIndex(
                name: "IX_image_generation_sessions_UserId_ArchivedAt",
                table: "image_generation_sessions");

            migrationBuilder.DropColumn(
                name: "ArchivedAt",
                table: "image_generation_sessions");

            migrationBuilder.DropColumn(
                name: "DisabledAt",
                table: "AspNetUsers");

            migrationBuilder.CreateIndex(
                name: "IX_image_generation_sessions_UserId",
                table: "image_generation_sessions",
                column: "UserId",
                unique: true);
        }
    }
}
