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
 * The etcd layouts of Go frameworks' registries (Kitex, Hertz, go-micro, Kratos, go-zero,
 * go-kit) and of hand-written clientv3 code: one codec per layout that reads one value
 * into an instance, or says why not, and writes this instance exactly as that framework's
 * registrar writes it.
 */
@NullMarked
package io.etcddiscovery.etcd.layout;

import org.jspecify.annotations.NullMarked;
