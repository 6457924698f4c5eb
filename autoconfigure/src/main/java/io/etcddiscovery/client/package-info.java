/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

/**
 * The etcd client's runtime: the client built off the starting thread, its connection
 * opened ahead of time, the gRPC target built from the endpoints, and the pools that grow
 * only when a task finds no idle thread.
 */
@NullMarked
package io.etcddiscovery.client;

import org.jspecify.annotations.NullMarked;
