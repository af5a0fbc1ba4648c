using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Likeness.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class GeminiChatAndCost : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "CachedTokens",
                table: "image_versions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "EstimatedCostUsd",
                table: "image_versions",
                type: "TEXT",
                precision: 18,
                scale: 6,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Model",
                table: "image_versions",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ModelAnswer",
                table: "image_versions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "OutputTokens",
                table: "image_versions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PromptTokens",
                table: "image_versions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ThoughtsTokens",
                table: "image_versions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "TotalTokens",
                table: "image_versions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ErrorRetryAfterSeconds",
                table: "image_jobs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EditMode",
                table: "image_generation_sessions",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Model",
                table: "image_generation_sessions",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "gemini_files",
                columns: table => new
                {
                    StorageKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Uri = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    MimeType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_gemini_files", x => x.StorageKey);
                });

            migrationBuilder.CreateTable(
                name: "image_usage",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    JobId = table.Column<Guid>(type: "TEXT", nullable: true),
                    VersionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Model = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Resolution = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Images = table.Column<int>(type: "INTEGER", nullable: false),
                    PromptTokens = table.Column<int>(type: "INTEGER", nullable: false),
                    OutputTokens = table.Column<int>(type: "INTEGER", nullable: false),
                    ThoughtsTokens = table.Column<int>(type: "INTEGER", nullable: false),
                    CachedTokens = table.Column<int>(type: "INTEGER", nullable: false),
                    TotalTokens = table.Column<int>(type: "INTEGER", nullable: false),
                    EstimatedCostUsd = table.Column<decimal>(type: "TEXT", precision: 18, scale: 6, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_image_usage", x => x.Id);
                    table.ForeignKey(
                        name: "FK_image_usage_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_image_usage_CreatedAt",
                table: "image_usage",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_image_usage_UserId_CreatedAt",
                table: "image_usage",
                columns: new[] { "UserId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "gemini_files");

            migrationBuilder.DropTable(
                name: "image_usage");

            migrationBuilder.DropColumn(
                name: "CachedTokens",
                table: "image_versions");

            migrationBuilder.DropColumn(
                name: "EstimatedCostUsd",
                table: "image_versions");

            migrationBuilder.DropColumn(
                name: "Model",
                table: "image_versions");

            migrationBuilder.DropColumn(
                name: "ModelAnswer",
                table: "image_versions");

            migrationBuilder.DropColumn(
                name: "OutputTokens",
                table: "image_versions");

            migrationBuilder.DropColumn(
                name: "PromptTokens",
                table: "image_versions");

            migrationBuilder.DropColumn(
                name: "ThoughtsTokens",
                table: "image_versions");

            migrationBuilder.DropColumn(
                name: "TotalTokens",
                table: "image_versions");

            migrationBuilder.DropColumn(
                name: "ErrorRetryAfterSeconds",
                table: "image_jobs");

            migrationBuilder.DropColumn(
                name: "EditMode",
                table: "image_generation_sessions");

            migrationBuilder.DropColumn(
                name: "Model",
                table: "image_generation_sessions");
        }
    }
}
