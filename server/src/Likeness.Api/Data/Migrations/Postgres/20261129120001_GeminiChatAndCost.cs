using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Likeness.Api.Data.Migrations.Postgres
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
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "EstimatedCostUsd",
                table: "image_versions",
                type: "numeric(18,6)",
                precision: 18,
                scale: 6,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Model",
                table: "image_versions",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ModelAnswer",
                table: "image_versions",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "OutputTokens",
                table: "image_versions",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PromptTokens",
                table: "image_versions",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ThoughtsTokens",
                table: "image_versions",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "TotalTokens",
                table: "image_versions",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ErrorRetryAfterSeconds",
                table: "image_jobs",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EditMode",
                table: "image_generation_sessions",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Model",
                table: "image_generation_sessions",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "gemini_files",
                columns: table => new
                {
                    StorageKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Uri = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    MimeType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_gemini_files", x => x.StorageKey);
                });

            migrationBuilder.CreateTable(
                name: "image_usage",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    JobId = table.Column<Guid>(type: "uuid", nullable: true),
                    VersionId = table.Column<Guid>(type: "uuid", nullable: true),
                    Provider = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Model = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Resolution = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Images = table.Column<int>(type: "integer", nullable: false),
                    PromptTokens = table.Column<int>(type: "integer", nullable: false),
                    OutputTokens = table.Column<int>(type: "integer", nullable: false),
                    ThoughtsTokens = table.Column<int>(type: "integer", nullable: false),
                    CachedTokens = table.Column<int>(type: "integer", nullable: false),
                    TotalTokens = table.Column<int>(type: "integer", nullable: false),
                    EstimatedCostUsd = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
