// The one table of error ids (VideoDetect.Errors.ErrorIds) serves every cmdlet.
global using VideoDetect.Errors;
