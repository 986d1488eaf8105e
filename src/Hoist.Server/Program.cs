using Hoist.Server.Errors;
using Hoist.Server.Files;
using Hoist.Server.Health;
using Hoist.Server.Storage;
using Hoist.Server.Uploads;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddHoistProblems();
builder.Services.AddHoistJson();
builder.Services.AddHoistStorage(builder.Configuration);
builder.Services.AddHoistUploads();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDefaultFiles();
app.UseStaticFiles();

app.MapHealth();
app.MapUploads();
app.MapFiles();

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
