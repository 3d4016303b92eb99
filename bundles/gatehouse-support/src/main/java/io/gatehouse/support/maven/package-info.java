/** Maven coordinates and the local repository layout (plugins:install, feature files, the launcher's system/ folder). Private (embedded). */
package io.gatehouse.support.maven;
