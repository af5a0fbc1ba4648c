using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Likeness.Api.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ImageJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ThumbnailKey",
                table: "reference_images",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "LeaseToken",
                table: "image_generation_sessions",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "image_jobs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    SessionId = table.Column<Guid>(type: "uuid", nullable: true),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Stage = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    Request = table.Column<string>(type: "text", nullable: false),
                    ErrorStatus = table.Column<int>(type: "integer", nullable: true),
                    ErrorDetail = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    VersionId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    FinishedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ActiveUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    LeaseToken = table.Column<Guid>(type: "uuid", nullable: true),
                    LeaseUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CancelRequested = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_image_jobs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_image_jobs_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "image_job_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    JobId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Data = table.Column<string>(type: "text", nullable: false),
                    ImageKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    MimeType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_image_job_events", x => x.Id);
                    table.ForeignKey(
                        name: "FK_image_job_events_image_jobs_JobId",
                        column: x => x.JobId,
                        principalTable: "image_jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_reference_images_ThumbnailKey",
                table: "reference_images",
                column: "ThumbnailKey");

            migrationBuilder.CreateIndex(
                name: "IX_image_job_events_ImageKey",
                table: "image_job_events",
                column: "ImageKey");

            migrationBuilder.CreateIndex(
                name: "IX_image_job_events_JobId_Id",
                table: "image_job_events",
                columns: new[] { "JobId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_image_jobs_ActiveUserId",
                table: "image_jobs",
                column: "ActiveUserId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_image_jobs_Status_LeaseUntil",
                table: "image_jobs",
                columns: new[] { "Status", "LeaseUntil" });

            migrationBuilder.CreateIndex(
                name: "IX_image_jobs_UserId_CreatedAt",
                table: "image_jobs",
                columns: new[] { "UserId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "image_job_events");

            migrationBuilder.DropTable(
                name: "image_jobs");

            migrationBuilder.DropIndex(
                name: "IX_reference_images_ThumbnailKey",
                table: "reference_images");

            migrationBuilder.DropColumn(
                name: "ThumbnailKey",
                table: "reference_images");

            migrationBuilder.DropColumn(
                name: "LeaseToken",
                table: "image_generation_sessions");
        }
    }
}
